/**
 * The file store adapter: the chat application's {@code AttachmentStore} port on the local filesystem. Only
 * {@link org.parley.adapter.filestore.FileAttachmentStore} is public.
 */
package org.parley.adapter.filestore;
