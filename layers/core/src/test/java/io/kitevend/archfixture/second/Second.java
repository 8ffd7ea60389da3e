package io.kitevend.archfixture.second;

import io.kitevend.archfixture.first.First;

/** The other half of a deliberate package cycle, for {@code RingsCatchCyclesTest}; never used otherwise. */
public final class Second {
    private Second() {}

    public static String name() {
        return "second, then " + First.class.getSimpleName();
    }
}
