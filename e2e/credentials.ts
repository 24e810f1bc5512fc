export const E2E_ADMIN = {
  email: "e2e-admin@imei-desk.local",
  password: "e2e-password-123",
  name: "E2E Admin",
};

/** Signs in where a role matters (pages only an admin may open). */
export const E2E_OPERATOR = {
  email: "e2e-operator@imei-desk.local",
  password: "e2e-password-456",
  name: "E2E Operator",
};

/** A second operator: each operator's batches and orders are a 404 to the other. */
export const E2E_OTHER_OPERATOR = {
  email: "e2e-operator-2@imei-desk.local",
  password: "e2e-password-789",
  name: "E2E Operator Two",
};
