package io.engramstream.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Axis ticks fall on round values, so a label sits under its point (the loss plot's steps, the charts' axes). */
class ChartTicksTest {
    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(2, Chart.niceStep(7 / 5.0), 1e-12);        // 8 steps: ticks 2, 4, 6, 8
        assertEquals(100, Chart.niceStep(299 / 5.0), 1e-9);     // 300 steps: 100, 200, 300
        assertEquals(1, Chart.niceStep(1.0), 1e-12);
        assertEquals(5, Chart.niceStep(3.0), 1e-12);
        assertEquals(0.05, Chart.niceStep(0.03), 1e-12);
        assertEquals(1, Chart.niceStep(0), 1e-12);              // a single point: any step
    }

    @Test
    void ticksOfAnEightStepRunAreTheEvenSteps() {
        assertEquals(List.of(2.0, 4.0, 6.0, 8.0), Chart.ticks(1, 8));
        assertEquals(List.of(100.0, 200.0, 300.0), Chart.ticks(1, 300));
    }
}
