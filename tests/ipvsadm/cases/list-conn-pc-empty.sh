ipvsadm -Lnc --persistent-conn
