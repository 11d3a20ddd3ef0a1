package io.everycloud.portal.web;

import io.everycloud.portal.branding.Branding;

/**
 * What every page's layout needs: the branding in force (texts, colours, asset URLs), who is
 * signed in and the CSRF token the page's forms carry. Never a token of the user.
 */
public record PageContext(String pageTitle, Branding branding, String logoUrl, String faviconUrl,
        String devicePictureUrl, String onPrimary, String csrf, boolean signedIn, String email) {

    public String fullTitle() {
        return pageTitle == null || pageTitle.isEmpty() ? branding.title() : pageTitle + " · " + branding.title();
    }

    public String themeClass() {
        return branding.dark() ? "theme-dark" : "theme-light";
    }
}
