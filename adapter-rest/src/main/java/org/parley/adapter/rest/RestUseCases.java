package org.parley.adapter.rest;

import java.util.Objects;

import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.LogIn;
import org.parley.application.port.in.RefreshAccessToken;
import org.parley.application.port.in.RegisterUser;
import org.parley.application.port.in.UpsertUserFromBackend;

/** The use cases the HTTP API drives, handed over by {@code bootstrap}. */
public record RestUseCases(
        ListConversation listConversation,
        ListMyThreads listMyThreads,
        RegisterUser registerUser,
        LogIn logIn,
        RefreshAccessToken refreshAccessToken,
        AuthenticateToken authenticateToken,
        UpsertUserFromBackend upsertUserFromBackend) {

    public RestUseCases {
        Objects.requireNonNull(listConversation, "listConversation");
        Objects.requireNonNull(listMyThreads, "listMyThreads");
        Objects.requireNonNull(registerUser, "registerUser");
        Objects.requireNonNull(logIn, "logIn");
        Objects.requireNonNull(refreshAccessToken, "refreshAccessToken");
        Objects.requireNonNull(authenticateToken, "authenticateToken");
        Objects.requireNonNull(upsertUserFromBackend, "upsertUserFromBackend");
    }
}
