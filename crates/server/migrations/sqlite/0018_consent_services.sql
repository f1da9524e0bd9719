-- Consent per service (docs/CONSENT.md): a visitor may allow one service of a
-- category they refused, e.g. the video player of one embed. The record keeps
-- those services' names as the notice declares them, a JSON array; `[]` when
-- the choice was made per category only, as every earlier record was.
ALTER TABLE consents ADD COLUMN services TEXT NOT NULL DEFAULT '[]';
