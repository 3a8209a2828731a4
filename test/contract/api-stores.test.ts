/**
 * Runs the API store contract on every store: the in-memory table, dynalite and DynamoDB Local
 * (where java exists; otherwise a skip line says why).
 */
import { describeOnEveryStore } from '../helpers/stores.ts';
import { apiStoreContract } from './api-stores.contract.ts';

describeOnEveryStore('API stores', (open) => apiStoreContract(async () => (await open()).api));
