export const helper = (event) => ({ esm: true, items: (event.orderItems || []).length });
