// npm run user:create -- --email E --password P --role admin|operator [--name N] [--daily-limit USD]
import { createUser } from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { runCli, parseFlags } from "./cli";

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ["email", "password", "role", "name", "daily-limit"]);
  for (const required of ["email", "password", "role"]) {
    if (!flags[required])
      throw new Error(
        `--${required} is required (usage: npm run user:create -- --email E --password P --role admin|operator)`,
      );
  }
  const db = await getDb();
  try {
    const user = await createUser(db, {
      email: flags.email!,
      password: flags.password!,
      role: flags.role as never,
      name: flags.name,
      dailyLimit: flags["daily-limit"],
    });
    const limit = flags["daily-limit"] ? `, daily limit $${flags["daily-limit"]}` : "";
    console.log(`Created ${user.role} ${user.email} (${user.id})${limit}`);
  } finally {
    await db.close();
  }
});
