import { expect, it } from "vitest";
import { rawResultForReading } from "./raw-result";

it("turns every form of <br> into one line break and keeps everything else as received", () => {
  expect(rawResultForReading("Model: iPhone 13<br>Carrier: AT&amp;T<BR/>FMI: <b>ON</b><br />\r\nEnd")).toBe(
    "Model: iPhone 13\nCarrier: AT&amp;T\nFMI: <b>ON</b>\nEnd",
  );
  expect(rawResultForReading("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
  expect(rawResultForReading("")).toBe("");
});
