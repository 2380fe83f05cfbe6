-- The shipped badge colours of four system lookups read below the console's 4.5:1 contrast rule (ADR 043, 086):
-- white text on CREATE #16a34a is 3.3:1, UPDATE #d97706 3.2:1, MOBILE #0891b2 3.7:1, READ #0284c7 4.1:1.
-- Darker shades of the same hues pass (5.0, 5.0, 5.4, 5.9:1). Only rows still wearing the old shipped pair change:
-- colours a user set are theirs.
UPDATE "actions" SET "bg_color_hex" = '#15803d', "updated_date" = now()
  WHERE "id" = '00000000-0000-7000-8000-00000000a001' AND "font_color_hex" = '#ffffff' AND "bg_color_hex" = '#16a34a';
UPDATE "actions" SET "bg_color_hex" = '#0369a1', "updated_date" = now()
  WHERE "id" = '00000000-0000-7000-8000-00000000a002' AND "font_color_hex" = '#ffffff' AND "bg_color_hex" = '#0284c7';
UPDATE "actions" SET "bg_color_hex" = '#b45309', "updated_date" = now()
  WHERE "id" = '00000000-0000-7000-8000-00000000a003' AND "font_color_hex" = '#ffffff' AND "bg_color_hex" = '#d97706';
UPDATE "origins" SET "bg_color_hex" = '#0e7490', "updated_date" = now()
  WHERE "id" = '00000000-0000-7000-8000-00000000b002' AND "font_color_hex" = '#ffffff' AND "bg_color_hex" = '#0891b2';
