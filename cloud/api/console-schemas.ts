/** Request and response shapes of the brand console's own routes (routes/brand-console.ts). */
import { z } from '@hono/zod-openapi';

export const ButtonRowsSchema = z
  .object({
    keyVersion: z.number().int().min(1).max(65535).default(1),
    rows: z
      .array(z.object({ deviceId: z.string().max(200), serial: z.string().max(200) }))
      .min(1)
      .max(500),
  })
  .openapi('ButtonRows', {
    description: 'rows as read from a CSV file; each is checked and registered on its own',
  });

export const ButtonRowResultSchema = z.object({
  row: z.number().int().openapi({ description: '1-based position in the request' }),
  deviceId: z.string(),
  serial: z.string(),
  outcome: z.enum(['REGISTERED', 'REFUSED']),
  claimCode: z.string().nullable().openapi({ description: 'shown once; only its hash is stored' }),
  code: z.string().nullable().openapi({ description: 'why the row was refused' }),
  reason: z.string().nullable(),
});

export const ButtonRowsResultSchema = z
  .object({
    keyVersion: z.number().int(),
    registered: z.number().int(),
    refused: z.number().int(),
    rows: z.array(ButtonRowResultSchema),
  })
  .openapi('ButtonRowsResult');
