package io.engramstream.model.train;

/** One step of a loss curve; {@code validLoss} is NaN on steps without a validation pass. */
public record CurvePoint(long step, double trainLoss, double validLoss, double elapsedSeconds) {
    public static final String CSV_HEADER = "step,train_loss,train_ppl,valid_loss,valid_ppl,elapsed_s";

    /** Losses at full precision (a resumed run continues the exact curve), perplexities rounded. */
    public String csv() {
        return step + "," + exact(trainLoss) + "," + ppl(trainLoss) + "," + exact(validLoss) + ","
                + ppl(validLoss) + "," + String.format(java.util.Locale.ROOT, "%.2f", elapsedSeconds);
    }

    private static String exact(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }

    private static String ppl(double loss) { return Double.isNaN(loss) ? "" : String.format(java.util.Locale.ROOT, "%.3f", Math.exp(loss)); }

    public static CurvePoint parse(String line) {
        String[] f = line.split(",", -1);
        return new CurvePoint(Long.parseLong(f[0]), Double.parseDouble(f[1]),
                f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]), Double.parseDouble(f[5]));
    }
}
