-- Consent records (DESIGN §6.5): what a visitor chose and which notice they were
-- shown, kept as proof for the business. Nothing here identifies the visitor: no
-- address, no browser, no name; the consent id is random, made by the widget.
CREATE TABLE consents (
    business        TEXT   NOT NULL,
    consent_id      TEXT   NOT NULL,   -- 16 random bytes, base64url; also sealed into a booking
    recorded_at     BIGINT NOT NULL,   -- unix seconds, the server's clock
    notice_version  TEXT   NOT NULL,
    language        TEXT   NOT NULL,
    granted         TEXT   NOT NULL,   -- category ids, comma-separated
    refused         TEXT   NOT NULL,
    action          TEXT   NOT NULL CHECK (action IN ('accept_all', 'reject_all', 'custom', 'withdraw', 'gpc')),
    notice_hash     BYTEA  NOT NULL    -- SHA-256 of the notice text that was shown
);

CREATE INDEX consents_business_time ON consents (business, recorded_at);
CREATE INDEX consents_consent_id ON consents (business, consent_id);
