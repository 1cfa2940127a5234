package org.parley.archfixture;

/** Deliberately wrong (architecture-rule fixture): a class that shadows java.lang.Thread. */
public class Thread {
}
