package org.parley.archfixture.cycle.a;

import org.parley.archfixture.cycle.b.B;

/** Deliberately wrong (architecture-rule fixture): one half of a package cycle. */
public class A {
    B partner;
}
