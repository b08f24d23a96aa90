package io.engramstream.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Sets PyTorch's intra-op thread count at run time. On a shared or oversubscribed machine one
 * thread is often several times faster than two for these small models: every parallel op waits
 * for its slowest thread, and a descheduled thread stalls the op for a whole time slice.
 */
public final class EngineThreads {
    private EngineThreads() {}

    /**
     * Turns autograd recording off for the calling thread. PyTorch keeps grad mode per thread and
     * starts new threads with it on; DJL turns it off only on the thread that loaded the engine, so
     * a serving thread must do it itself or every forward pass builds a graph it never uses.
     */
    public static void noGradOnThisThread() {
        Engine.getInstance();
        JniUtils.setGradMode(false);
    }

    /** {@code n > 0}: use n intra-op threads; {@code n <= 0}: keep the configured count. Returns the count in effect. */
    public static int use(int n) {
        Engine.getInstance();
        if (n > 0) JniUtils.setNumThreads(n);
        return JniUtils.getNumThreads();
    }
}
