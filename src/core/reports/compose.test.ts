import { describe, expect, it } from "vitest";
import { formatValue } from "./compose.js";

describe("formatValue", () => {
  it("writes dollars whole above $100 and to the cent below, with the sign in front", () => {
    expect(formatValue(27000, "USD")).toBe("$27,000");
    expect(formatValue(76.923, "USD")).toBe("$76.92");
    expect(formatValue(-1496.6, "USD")).toBe("-$1,497");
    expect(formatValue(2950, "USD/month")).toBe("$2,950/month");
  });

  it("counts days and hours in words, singular for one", () => {
    expect(formatValue(44, "days")).toBe("44 days");
    expect(formatValue(1, "days")).toBe("1 day");
    expect(formatValue(34.5, "hours")).toBe("34.5 hours");
    expect(formatValue(209, "hours")).toBe("209 hours");
    expect(formatValue(1, "hours")).toBe("1 hour");
  });

  it("keeps one decimal for small percentages and none from 10% up", () => {
    expect(formatValue(4.3, "percent")).toBe("4.3%");
    expect(formatValue(53.33, "percent")).toBe("53%");
  });
});
