-- Reading the maintained figure (docs/scaling.md, "The maintained ratio figure"): the read side
-- only. Nothing here writes ratio_counts or decides what it holds (sql/0021 does); the rule stays
-- in the ratio functions of sql/0018 and sql/0021.

-- The enterprises in the order every listing of the ratio shows them (province, region, name,
-- USCC), with what the listing prints beside its counts. `esw ratio` for a held day walks it and
-- looks each enterprise up in ratio_counts by primary key: the rows come out in order, so the
-- country's 10,000 names are neither hashed nor sorted (the sort alone took longer than reading
-- the counts).
CREATE INDEX enterprise_listing_order_idx ON enterprise (province_code, region_code, name, uscc)
    INCLUDE (id, employees);
COMMENT ON INDEX enterprise_listing_order_idx IS
    'The ratio listing''s order (sql/0023): esw ratio reads held counts enterprise by enterprise in it, unsorted.';
