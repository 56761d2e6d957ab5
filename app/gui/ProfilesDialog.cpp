// The gateway profiles dialog (issue 6; being written).
