// The sign-in page and the flashes an action leaves (http/views/admin/login.ts): flashes are
// codes from a fixed list, so a crafted link can show an operator nothing but an escaped key.

import { describe, expect, test } from "bun:test";
import { flashFrom, flashUrl, loginPage } from "../../../../src/http/views/admin/login.ts";

describe("loginPage", () => {
  test("a password field posting to the sign-in route; the error shown escaped, as an alert", () => {
    const page = loginPage(null);
    expect(page).toContain('<main class="narrow">');
    expect(page).toContain('<form class="login" method="post" action="/__admin/login">');
    expect(page).toContain('name="token" type="password"');
    expect(page).not.toContain('role="alert"');
    const wrong = loginPage("Wrong <token>");
    expect(wrong).toContain('<p class="error" role="alert">Wrong &lt;token&gt;</p>');
  });
});

describe("flashes", () => {
  const at = (code: Parameters<typeof flashUrl>[0], key: string) =>
    flashFrom(`http://site.test${flashUrl(code, key)}`);

  test("a code and its key make the way back, and the message it asks for", () => {
    expect(flashUrl("purged", "/a b.html")).toBe("/__admin?done=purged&key=%2Fa+b.html");
    const f = at("purged", "/a.html");
    expect(f?.tone).toBe("ok");
    expect(f?.html.text).toBe(
      "Purged <code>/a.html</code>: its next visitor will have it written again. This one is kept.",
    );
    expect(at("budget", "/a.html")?.tone).toBe("bad");
    expect(at("no-key", "")?.html.text).toBe("No page was named in that request.");
  });

  test("the key is escaped and bounded; an unknown code shows nothing", () => {
    const f = at("not-cached", `<img src=x onerror=alert(1)>${"k".repeat(5000)}`);
    expect(f?.html.text).toStartWith("<code>&lt;img src=x onerror=alert(1)&gt;k");
    expect(f?.html.text).not.toContain("<img");
    expect(f?.html.text.length).toBeLessThan(1300);
    expect(flashFrom("http://site.test/__admin?done=hacked&key=/x")).toBeNull();
    expect(flashFrom("http://site.test/__admin?done=toString")).toBeNull();
    expect(flashFrom("http://site.test/__admin")).toBeNull();
  });
});
