-- The battery's state of charge at each window's end, Wh (docs/TELEMETRY.md section 1, `batterySocWh`): part of the
-- signed window message since issue 13. Windows stored before carry none and read as 0, the value of a site without a
-- battery; they were signed under the earlier message type, and so belong to an earlier deployment's oracle.
ALTER TABLE telemetry_messages ADD COLUMN battery_soc_wh BIGINT NOT NULL DEFAULT 0;
