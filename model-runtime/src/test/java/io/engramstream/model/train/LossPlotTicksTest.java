package io.engramstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** x-axis ticks of the loss plot fall on round values, so every label sits under a step. */
class LossPlotTicksTest {
    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(2, LossPlot.niceStep(7 / 5.0), 1e-12);        // 8 steps: ticks 2, 4, 6, 8
        assertEquals(100, LossPlot.niceStep(299 / 5.0), 1e-9);     // 300 steps: 100, 200, 300
        assertEquals(1, LossPlot.niceStep(1.0), 1e-12);
        assertEquals(5, LossPlot.niceStep(3.0), 1e-12);
        assertEquals(0.05, LossPlot.niceStep(0.03), 1e-12);
        assertEquals(1, LossPlot.niceStep(0), 1e-12);              // a single point: any step
    }
}
