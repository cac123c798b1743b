-- Confiscated products (R15; seed 001 §(二)1, seed 002 县发改): each lot sealed on the spot
-- with its mineral, quantity and place; its price determined by the pricing office within
-- two working days of the request (`price_due_on`); disposed of through the public-resources
-- trading platform with its lot number, day and proceeds. Amounts in fen, quantities in
-- thousandths of the unit.
CREATE TABLE seized_lot (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    case_id BIGINT NOT NULL REFERENCES case_file(id),
    mineral TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit TEXT NOT NULL,
    place TEXT NOT NULL,
    sealed_on TEXT NOT NULL,
    price_due_on TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES app_user(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    price_fen BIGINT,
    price_document TEXT NOT NULL DEFAULT '',
    priced_on TEXT,
    priced_by BIGINT REFERENCES app_user(id),
    platform_lot TEXT NOT NULL DEFAULT '',
    disposed_on TEXT,
    proceeds_fen BIGINT,
    disposed_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX seized_lot_case ON seized_lot (case_id);
CREATE INDEX seized_lot_county ON seized_lot (county_id, price_due_on);
