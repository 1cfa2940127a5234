/** Failures of use cases, in the application's own words; adapters map each to a status code or error frame. */
package org.parley.application.error;
