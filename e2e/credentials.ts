export const E2E_ADMIN = {
  email: "e2e-admin@imei-desk.local",
  password: "e2e-password-123",
  name: "E2E Admin",
};
