// The OS keyring on Linux: Secret Service through libsecret (to be written).
