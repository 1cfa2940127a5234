/** Users as the chat sees them: identity ({@link org.parley.domain.user.UserId}), contact and profile data. */
package org.parley.domain.user;
