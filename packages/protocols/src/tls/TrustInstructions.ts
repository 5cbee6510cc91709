/**
 * What `mailmoat ca init` prints: how to make each kind of client trust the interception CA.
 *
 * @category constructors
 * @since 0.1.0
 */

export const trustInstructions = (certPath: string): string =>
  [
    `Mail clients must trust the Mailmoat CA (${certPath}) before they accept the proxy's TLS ports.`,
    "Install the certificate only on machines whose mail you want Mailmoat to scan, and keep the key file private.",
    "",
    "Debian / Ubuntu (system store, used by most command-line and GNOME clients):",
    `  sudo cp ${certPath} /usr/local/share/ca-certificates/mailmoat-ca.crt`,
    "  sudo update-ca-certificates",
    "",
    "Fedora / RHEL:",
    `  sudo cp ${certPath} /etc/pki/ca-trust/source/anchors/mailmoat-ca.pem && sudo update-ca-trust`,
    "",
    "macOS (Apple Mail, Outlook for Mac):",
    `  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${certPath}`,
    "",
    "Windows (Outlook, Windows Mail), in an administrator prompt:",
    `  certutil -addstore -f Root ${certPath}`,
    "",
    "Firefox (own certificate store):",
    "  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import,",
    "  tick 'Trust this CA to identify websites'. (Or set security.enterprise_roots.enabled to true",
    "  on Windows/macOS to use the system store.)",
    "",
    "Thunderbird (own certificate store, like Firefox):",
    "  Settings > Privacy & Security > Security > Manage Certificates > Authorities > Import,",
    "  tick 'Trust this CA to identify websites' (Thunderbird uses that flag for mail servers too).",
    "",
    "Check the fingerprint you trust against `mailmoat ca show`."
  ].join("\n")
