ipvsadm -R <<EOF
# a comment
-A -t 10.10.0.1:80 # trailing
-A -t 10.10.0.2:80
EOF
ipvsadm -Sn
