package io.kitevend.archfixture.first;

import io.kitevend.archfixture.second.Second;

/** Half of a deliberate package cycle, for {@code RingsCatchCyclesTest}; never used otherwise. */
public final class First {
    private First() {}

    public static String name() {
        return "first, then " + Second.class.getSimpleName();
    }
}
