// npm run token:create -- --email E [--role admin|operator] [--name N] [--expires-in-days D]
// Prints the new token as the last line of stdout; only its hash is stored. With --role, a missing user is
// created (with a random password: the token is its way in). Without --expires-in-days it does not expire.
import { randomBytes } from "node:crypto";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser, getUserByEmail, roleSchema } from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { runCli, parseFlags } from "./cli";

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ["email", "role", "name", "expires-in-days"]);
  if (!flags.email)
    throw new Error("--email is required (usage: npm run token:create -- --email E [--role admin|operator])");
  const days = flags["expires-in-days"];
  if (days !== undefined && !/^\d+$/.test(days))
    throw new Error("--expires-in-days must be a whole number of days, such as 90");
  const db = await getDb();
  try {
    let user = await getUserByEmail(db, flags.email);
    if (!user) {
      if (!flags.role) throw new Error(`No user ${flags.email}; pass --role admin|operator to create one`);
      user = await createUser(db, {
        email: flags.email,
        password: randomBytes(24).toString("base64url"),
        role: roleSchema.parse(flags.role),
      });
      console.log(`Created ${user.role} ${user.email}`);
    }
    const created = await createApiToken(db, user.id, {
      name: flags.name ?? "cli",
      ...(days === undefined ? {} : { expiresInDays: Number(days) }),
    });
    const expiry = created.expiresAt ? `, expires ${created.expiresAt}` : "";
    console.log(
      `Token ${created.prefix}… for ${user.email} (${user.role})${expiry}. It is shown once; store it now:`,
    );
    console.log(created.token);
  } finally {
    await db.close();
  }
});
