// An ES module, recognised by its .mjs extension.
export const lambdaHandler = async (event) =>
  (event.orderItems || []).reduce((t, i) => t + i.unitPrice * i.count, 0);
export const importMeta = async () => import.meta.url.startsWith('file://');
