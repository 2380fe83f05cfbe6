-- System lookups every installation starts with, so the first interaction can be recorded at once.
-- Fixed ids keep them identical across installations. They cannot be deleted or renamed (is_system).
INSERT INTO "actions" ("id", "mnemonic", "name", "description", "icon", "font_color_hex", "bg_color_hex", "is_system") VALUES
  ('00000000-0000-7000-8000-00000000a001', 'CREATE', 'Create', 'A resource was created', '➕', '#ffffff', '#16a34a', true),
  ('00000000-0000-7000-8000-00000000a002', 'READ', 'Read', 'A resource was viewed or fetched', '👁', '#ffffff', '#0284c7', true),
  ('00000000-0000-7000-8000-00000000a003', 'UPDATE', 'Update', 'A resource was changed', '✏️', '#ffffff', '#d97706', true),
  ('00000000-0000-7000-8000-00000000a004', 'DELETE', 'Delete', 'A resource was deleted', '🗑', '#ffffff', '#dc2626', true),
  ('00000000-0000-7000-8000-00000000a005', 'LOGIN', 'Login', 'A user signed in', '🔑', '#ffffff', '#7c3aed', true),
  ('00000000-0000-7000-8000-00000000a006', 'LOGOUT', 'Logout', 'A user signed out', '🚪', '#ffffff', '#6b7280', true);

INSERT INTO "origins" ("id", "mnemonic", "name", "description", "icon", "font_color_hex", "bg_color_hex", "is_system") VALUES
  ('00000000-0000-7000-8000-00000000b001', 'WEBAPP', 'Web app', 'A browser application', '🌐', '#ffffff', '#2563eb', true),
  ('00000000-0000-7000-8000-00000000b002', 'MOBILE', 'Mobile app', 'A mobile application', '📱', '#ffffff', '#0891b2', true),
  ('00000000-0000-7000-8000-00000000b003', 'API', 'API', 'A call from another system', '🔌', '#ffffff', '#4b5563', true),
  ('00000000-0000-7000-8000-00000000b004', 'SYSTEM', 'System', 'A background job or the system itself', '⚙️', '#ffffff', '#374151', true);
