/**
 * The content types adapter: the chat application's {@code ContentTypes} port, with Apache Tika core's magic numbers.
 * Only {@link org.parley.adapter.contenttypes.TikaContentTypes} is public.
 */
package org.parley.adapter.contenttypes;
