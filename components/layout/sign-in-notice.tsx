import type { SignInNotice as Notice } from "@/lib/auth/login-activity";
import { formatDateTime, plural } from "@/lib/format";

function listAddresses(notice: Notice): string {
  const names = notice.addresses.map((ip) => ip ?? "an unknown address");
  if (notice.otherAddresses > 0)
    names.push(plural(notice.otherAddresses, "other address", "other addresses"));
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "");
}

/** Failed sign-in attempts on the viewer's account since their previous sign-in. */
export function SignInNotice({ notice, timeZone }: { notice: Notice; timeZone: string }) {
  const since = notice.since
    ? ` since your previous sign-in (${formatDateTime(notice.since, timeZone)})`
    : "";
  return (
    <div
      role="note"
      aria-label="Sign-in activity"
      className="mb-6 rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900"
    >
      <strong>
        {plural(notice.failures, "failed sign-in attempt")} on your account{since}
      </strong>{" "}
      from {listAddresses(notice)}. If that was not you, tell your admin. Browsers you have signed in with
      before stay open to you.
    </div>
  );
}
