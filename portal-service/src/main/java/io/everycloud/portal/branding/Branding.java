package io.everycloud.portal.branding;

import java.util.List;

/**
 * branding.json as the pages use it (seed: "Branding fields"); optional fields absent from the
 * upload are empty here, never null.
 */
public record Branding(String title, String description, String companyName, Theme theme, String themeType,
        Links links, LandingPage landingPage) {

    public record Theme(String primary, String secondary, String accent, String error, String success) {
    }

    public record Links(String info, String terms, String contactUs, String help, String helpDevice, String helpApp) {

        public boolean any() {
            return !(info.isEmpty() && terms.isEmpty() && contactUs.isEmpty() && help.isEmpty()
                    && helpDevice.isEmpty() && helpApp.isEmpty());
        }
    }

    public record LandingPage(String mainSlogan, String secondarySlogan, String deviceName, List<String> deviceSpecs) {
    }

    public boolean dark() {
        return "dark".equals(themeType);
    }
}
