// npm run token:create -- --email E [--role admin|operator] [--name N]
// Prints the new token as the last line of stdout; only its hash is stored. With --role, a missing user is
// created (with a random password: the token is its way in).
import { randomBytes } from "node:crypto";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser, getUserByEmail, roleSchema } from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { runCli, parseFlags } from "./cli";

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ["email", "role", "name"]);
  if (!flags.email)
    throw new Error("--email is required (usage: npm run token:create -- --email E [--role admin|operator])");
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
    const { token, prefix } = await createApiToken(db, user.id, flags.name ?? "cli");
    console.log(`Token ${prefix}… for ${user.email} (${user.role}). It is shown once; store it now:`);
    console.log(token);
  } finally {
    await db.close();
  }
});
