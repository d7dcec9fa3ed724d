import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Page } from '../../types.ts';
import { useApi, type ApiState } from '../../useApi.ts';
import type { Lookups } from './describe.ts';
import { useGlossary } from '../../glossary.ts';

export interface CouponCampaignOption {
  id: string;
  name: string;
  status: string;
}
export interface WebhookOption {
  id: string;
  url: string;
  description: string | null;
  active: boolean;
}
export interface SegmentOption {
  id: string;
  name: string;
  memberCount: number;
}

interface JourneyLookups extends Lookups {
  coupons: ApiState<Page<CouponCampaignOption>>;
  webhooks: ApiState<{ data: WebhookOption[] }>;
  segments: ApiState<{ data: SegmentOption[] }>;
}

const LookupsContext = createContext<JourneyLookups | null>(null);

/** What the pickers choose from (coupon campaigns, webhooks, segments), loaded once per editor. */
export function LookupsProvider({ children }: { children: ReactNode }) {
  const words = useGlossary();
  const coupons = useApi<Page<CouponCampaignOption>>('/v1/coupon-campaigns?limit=500');
  const webhooks = useApi<{ data: WebhookOption[] }>('/v1/webhooks');
  const segments = useApi<{ data: SegmentOption[] }>('/v1/segments');
  const value = useMemo<JourneyLookups>(() => {
    const name = <T extends { id: string }>(list: T[] | undefined, label: (item: T) => string) => (id: string) => {
      const found = list?.find((item) => item.id === id);
      return found ? label(found) : undefined;
    };
    return {
      coupons,
      webhooks,
      segments,
      couponName: name(coupons.data?.data, (c) => c.name),
      webhookName: name(webhooks.data?.data, (w) => w.description ?? w.url),
      segmentName: name(segments.data?.data, (s) => words.segmentName(s.name)),
    };
  }, [coupons, webhooks, segments, words]);
  return <LookupsContext.Provider value={value}>{children}</LookupsContext.Provider>;
}

export function useLookups(): JourneyLookups {
  const value = useContext(LookupsContext);
  if (!value) throw new Error('useLookups outside LookupsProvider');
  return value;
}
