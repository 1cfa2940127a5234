package org.parley.stray;

/** Deliberately wrong (architecture-rule fixture): a class in no layer of the hexagon. */
public class ClassOutsideTheArchitecture {
}
