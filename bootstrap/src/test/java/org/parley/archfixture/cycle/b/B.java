package org.parley.archfixture.cycle.b;

import org.parley.archfixture.cycle.a.A;

/** Deliberately wrong (architecture-rule fixture): the other half of a package cycle. */
public class B {
    A partner;
}
