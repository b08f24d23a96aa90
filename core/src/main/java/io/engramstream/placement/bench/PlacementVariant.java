package io.engramstream.placement.bench;

import io.engramstream.cli.UserError;
import java.util.Locale;

/**
 * One way to run placement in the hit-rate benchmark: score half-life (in windows), hysteresis,
 * the change model's mean popularity lifetime (in half-lives, 0 = off, see
 * {@link io.engramstream.placement.ChangeAwareScores}) and how often it publishes (lookups; 0 =
 * once per window), or how many times per window ({@code per}). Written and parsed as
 * {@code hl=8,h=0.25,life=0,every=window} ({@code every=250000}, {@code every=window/4}, or {@code per=4}).
 */
public record PlacementVariant(double halfLifeWindows, double hysteresis, double lifetimeHalfLives, int publishEvery, int perWindow) {

    /** Published once per window or every {@code publishEvery} lookups. */
    public PlacementVariant(double halfLifeWindows, double hysteresis, double lifetimeHalfLives, int publishEvery) {
        this(halfLifeWindows, hysteresis, lifetimeHalfLives, publishEvery, 0);
    }

    public PlacementVariant {
        if (!(halfLifeWindows > 0)) throw new UserError("variant half-life must be > 0 windows: " + halfLifeWindows);
        if (!(hysteresis >= 0)) throw new UserError("variant hysteresis must be >= 0: " + hysteresis);
        if (!(lifetimeHalfLives >= 0)) throw new UserError("variant life must be >= 0 half-lives: " + lifetimeHalfLives);
        if (publishEvery < 0) throw new UserError("variant every must be >= 0 lookups: " + publishEvery);
        if (perWindow < 0) throw new UserError("variant per must be >= 0 publications per window: " + perWindow);
    }

    /** Parses {@code key=value} pairs separated by commas; keys not given keep {@code base}'s values. */
    public static PlacementVariant parse(String spec, PlacementVariant base) {
        double hl = base.halfLifeWindows, h = base.hysteresis, life = base.lifetimeHalfLives;
        int every = base.publishEvery, per = base.perWindow;
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq < 0) throw new UserError("variant part '" + p + "' is not key=value (keys: hl, h, life, every, per)");
            String k = p.substring(0, eq).trim(), v = p.substring(eq + 1).trim();
            try {
                switch (k) {
                    case "hl" -> hl = Double.parseDouble(v);
                    case "h" -> h = Double.parseDouble(v);
                    case "life" -> life = Double.parseDouble(v);
                    case "every" -> {
                        if (v.equals("window")) { every = 0; per = 0; }
                        else if (v.startsWith("window/")) { per = Integer.parseInt(v.substring(7)); every = 0; }
                        else { every = (int) Math.round(Double.parseDouble(v)); per = 0; }
                    }
                    case "per" -> { per = (int) Math.round(Double.parseDouble(v)); every = 0; }
                    default -> throw new UserError("unknown variant key '" + k + "' (keys: hl, h, life, every, per)");
                }
            } catch (NumberFormatException e) {
                throw new UserError("variant " + k + ": not a number: " + v);
            }
        }
        return new PlacementVariant(hl, h, life, every, per);
    }

    /** Lookups between publications for a window of {@code window} lookups. */
    public int every(int window) {
        if (perWindow > 1) return Math.max(1, window / perWindow);
        return publishEvery <= 0 || publishEvery >= window ? window : publishEvery;
    }

    public String label() {
        return String.format(Locale.ROOT, "hl=%s,h=%s,life=%s,every=%s", num(halfLifeWindows), num(hysteresis), num(lifetimeHalfLives),
                perWindow > 1 ? "window/" + perWindow : publishEvery == 0 ? "window" : String.valueOf(publishEvery));
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
