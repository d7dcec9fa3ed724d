-- Codes are inserted a million at a time, and a foreign key checks every inserted row (it about
-- doubled the time), so coupon_codes keeps none. What they guaranteed is kept by hand: `issue` holds
-- the campaign row and the assigned customers' rows FOR KEY SHARE while inserting (as the checks
-- would), and deleting a campaign deletes its codes (the trigger below, as ON DELETE CASCADE did).
-- A customer row is deleted only when an anonymous visitor is merged into a known customer; a code
-- assigned to the visitor then belongs to nobody who can redeem it.
ALTER TABLE coupon_codes DROP CONSTRAINT coupon_codes_workspace_id_campaign_id_fkey;
ALTER TABLE coupon_codes DROP CONSTRAINT coupon_codes_workspace_id_customer_id_fkey;

CREATE FUNCTION coupon_campaigns_delete_codes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM coupon_codes WHERE workspace_id = OLD.workspace_id AND campaign_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER coupon_campaigns_delete_codes AFTER DELETE ON coupon_campaigns FOR EACH ROW EXECUTE FUNCTION coupon_campaigns_delete_codes();

-- A redemption is a record of money given: it stays when its customer row goes (a merged visitor).
ALTER TABLE coupon_redemptions DROP CONSTRAINT coupon_redemptions_workspace_id_customer_id_fkey;
