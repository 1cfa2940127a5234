package org.parley.bootstrap.archfixture;

import org.glassfish.grizzly.filterchain.BaseFilter;

/**
 * Deliberately wrong (architecture-rule fixture): a Grizzly filter in bootstrap outside its workaround package
 * ({@code server}).
 */
public class BootstrapFilteringBelowTheServer extends BaseFilter {
}
