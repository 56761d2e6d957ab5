// The upload run shared by the GUI and docdesk-cli upload (issue 7; being written).
