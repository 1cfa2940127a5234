/**
 * Security adapters for the application's {@code Tokens} and {@code PasswordHasher} ports, compatible with a Django
 * backend: {@link org.parley.adapter.security.JwtTokens} issues and checks HS256 JWTs in djangorestframework-simplejwt's
 * claim layout, and {@link org.parley.adapter.security.DjangoPbkdf2PasswordHasher} reads and writes Django's
 * {@code pbkdf2_sha256} password hashes. Neither logs nor reports a token, a password or the secret.
 */
package org.parley.adapter.security;
