export { nodeSha256 } from '../../cloud/core/sha256.ts';
