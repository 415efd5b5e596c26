// An ES module by package.json's "type": "module", with a .js name.
import { helper } from './helper.js';

export const lambdaHandler = async (event) => helper(event);
