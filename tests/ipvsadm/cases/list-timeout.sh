ipvsadm -L --timeout
