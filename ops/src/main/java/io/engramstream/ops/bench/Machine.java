package io.engramstream.ops.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a benchmark ran on: CPU, cores, memory, JVM, OS and load, in one line each for a report. */
record Machine(String cpu, int cores, long memoryBytes, long maxHeapBytes, String jvm, String os, String loadAverage) {

    static Machine describe() {
        long mem = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), mem, Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                currentLoadAverage());
    }

    /** The 1, 5 and 15 minute load averages (how busy the machine was: figures on a loaded machine are lower). */
    static String currentLoadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    String summary() {
        return String.format(Locale.ROOT, "%s, %d cores visible, %.1f GiB memory, max heap %.1f GiB; %s; %s; load average %s",
                cpu, cores, memoryBytes / (double) (1L << 30), maxHeapBytes / (double) (1L << 30), jvm, os, loadAverage);
    }
}
