import { z } from 'zod';

export const productInput = z.object({
  sku: z.string().trim().min(1).max(255),
  name: z.string().trim().max(500).nullable().optional(),
  category: z.string().trim().max(255).nullable().optional(),
  /** Price in minor units of `currency`. */
  priceMinor: z.number().int().nonnegative().nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type ProductInput = z.infer<typeof productInput>;

export interface Product {
  id: string;
  sku: string;
  name: string | null;
  category: string | null;
  priceMinor: number | null;
  currency: string | null;
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}
