package org.parley.adapter.rest;

import java.util.Objects;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.DownloadAttachment;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.ListThreadFiles;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.UploadAttachment;

import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.LogIn;
import org.parley.application.port.in.RefreshAccessToken;
import org.parley.application.port.in.RegisterUser;
import org.parley.application.port.in.ShowPresence;
import org.parley.application.port.in.UpsertUserFromBackend;

/** The use cases the HTTP API drives, handed over by {@code bootstrap}. */
public record RestUseCases(
        ListConversation listConversation,
        ListMyThreads listMyThreads,
        RegisterUser registerUser,
        LogIn logIn,
        RefreshAccessToken refreshAccessToken,
        AuthenticateToken authenticateToken,
        UpsertUserFromBackend upsertUserFromBackend,
        UploadAttachment uploadAttachment,
        ListThreadFiles listThreadFiles,
        LinkToAttachment linkToAttachment,
        DownloadAttachment downloadAttachment,
        MarkSeen markSeen,
        EditMessage editMessage,
        DeleteMessage deleteMessage,
        ShowPresence showPresence) {

    public RestUseCases {
        Objects.requireNonNull(listConversation, "listConversation");
        Objects.requireNonNull(listMyThreads, "listMyThreads");
        Objects.requireNonNull(registerUser, "registerUser");
        Objects.requireNonNull(logIn, "logIn");
        Objects.requireNonNull(refreshAccessToken, "refreshAccessToken");
        Objects.requireNonNull(authenticateToken, "authenticateToken");
        Objects.requireNonNull(upsertUserFromBackend, "upsertUserFromBackend");
        Objects.requireNonNull(uploadAttachment, "uploadAttachment");
        Objects.requireNonNull(listThreadFiles, "listThreadFiles");
        Objects.requireNonNull(linkToAttachment, "linkToAttachment");
        Objects.requireNonNull(downloadAttachment, "downloadAttachment");
        Objects.requireNonNull(markSeen, "markSeen");
        Objects.requireNonNull(editMessage, "editMessage");
        Objects.requireNonNull(deleteMessage, "deleteMessage");
        Objects.requireNonNull(showPresence, "showPresence");
    }
}
