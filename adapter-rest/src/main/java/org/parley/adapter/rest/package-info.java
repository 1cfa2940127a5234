/**
 * The HTTP adapter: Jersey resources that translate JSON requests into use-case calls and their results into the
 * contract's envelopes.
 *
 * <p>{@link org.parley.adapter.rest.RestApi} is the only entry point; everything else is package-private. Requests pass
 * through {@link org.parley.adapter.rest.RequestBodyLimit} (413 above 1 MiB of JSON, or above the upload limit plus 1 MiB for a multipart upload), then, for routes marked
 * {@link org.parley.adapter.rest.Authenticated}, through {@link org.parley.adapter.rest.BearerTokenFilter}; every
 * failure, whatever its origin, leaves through {@link org.parley.adapter.rest.FailureMapper} as a failure envelope.
 */
package org.parley.adapter.rest;
