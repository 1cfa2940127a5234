/**
 * Failures of use cases, in the application's own words: a sealed family under
 * {@link org.parley.application.error.UseCaseFailure}, which each driving adapter answers kind by kind through
 * {@link org.parley.application.error.UseCaseFailure.Cases} (a status code, an error frame), so that a new kind is a
 * compile error until every adapter answers it. Inputs are named by {@link org.parley.domain.RuleSubject}, never by a
 * client's field name.
 */
package org.parley.application.error;
